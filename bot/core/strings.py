"""The bot's own words in English, Spanish and Chinese: the one table of them.

Everything the bot says that does not come from a post is in :data:`STRINGS`, keyed by UI language, so a
reply never mixes languages and a new language is one more dictionary. The table has two parts, each
string defined in exactly one of them:

- :data:`BOT_WORDS`, here: what only the bot says (answers' frames, help, buttons, the Home tab);
- :data:`embeddings.event_words.EVENT_WORDS`: the words events and dates are written with (months,
  "virtual", regions), which the event cards in the index are written with too. ``embeddings`` cannot
  import ``bot``, so they live there and are read into this table.

Every UI language has every key, with the same ``{placeholders}`` (``tests/test_strings.py``), and
:func:`t` never stands in another language's string for a missing one: a missing key is an error.
"""

from __future__ import annotations

from bot.core.language import ui_language
from embeddings.event_words import EVENT_WORDS

COMMAND = "/istio-events"

BOT_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "lead": "Here is what istio.io says about it:",
        "lead_question": "You asked: {question}",
        "videos": "Videos",
        "sources": "Sources",
        "share": "Share in channel",
        "shared_by": "Shared by <@{user}>",
        "dont_know": (
            "I don't know: the Istio event posts, programs and dates I have do not answer that. "
            "Try `{command} events` to see the events I know about, or `{command} help`."
        ),
        "error": "Sorry, something went wrong while answering. Please try again in a moment.",
        "welcome": "You're welcome! Ask me about Istio events any time, or try `{command} help`.",
        "help": (
            "*Ask me about Istio community events* (IstioCon, Istio Day, KubeCon): mention me in a channel, "
            "send me a direct message, or use the slash command. I answer in English, Spanish or Chinese "
            "with quotes from the event posts, the IstioCon programs and links to the recordings.\n"
            "• `{command} <question>`: ask a question\n"
            "• `{command} events [year or name]`: the events I know about, with dates (upcoming first)\n"
            "• `{command} videos [topic or event]`: talk recordings\n"
            "• `{command} subscribe [en|es|zh]` / `{command} unsubscribe`: news and reminders in this channel "
            "(workspace admins)\n"
            "• `{command} help`: this message\n"
            "You can also ask me in Slack's assistant panel, and rate any answer with 👍 / 👎."
        ),
        "events_title": "Events I know about",
        "no_events": "I know of no Istio event yet.",
        "videos_title": "Talk recordings",
        "videos_topic_title": "Talk recordings about “{topic}”",
        "no_videos": "I found no recordings about “{topic}”. Try `{command} videos` for all of them.",
        "more": "…and {count} more.",
        "sessions_title": "Sessions ({count})",
        "sessions_more": "…and {count} more. Ask about one of them, or narrow the question.",
        "recording": "recording",
        "slides": "slides",
        "upcoming_title": "Coming up",
        "none_next_month": "No Istio event I know of takes place next month; coming later",
        "no_upcoming": "I know of no upcoming Istio event yet (today is {today}).",
        "latest_event_heading": "The latest one I know of:",
        "events_upcoming": "Upcoming",
        "events_past": "Past",
        "no_events_match": "I know of no event matching “{filter}”. Try `{command} events` for all of them.",
        "role_registration": "registration",
        "role_cfp": "call for proposals",
        "add_to_calendar": "Add to calendar",
        "role_schedule": "schedule",
        "sessions_count": "{count} sessions",
        "lang_en": "English",
        "lang_es": "Spanish",
        "lang_zh": "Chinese",
        "file_note": "I read text only: I cannot open files or images. Ask me your question in words.",
        "flood_note": "You have many questions waiting; I'll answer these first.",
        "warming_up": "I'm just starting and loading what I know; I'll answer in a minute or two.",
        "busy_retry": "Sorry, I could not take that just now. Please try again in a moment.",
        "assistant_greeting": (
            "Hi! I answer questions about Istio community events (IstioCon, Istio Day, KubeCon) from istio.io: "
            "what was said, when and where, and where to watch the talks. Ask in English, Spanish or Chinese."
        ),
        "assistant_prompts_title": "Try asking",
        "prompt_latest": "What happened at {event}?",
        "prompt_recordings_title": "Recordings from {event}",
        "prompt_recordings": "videos {event}",
        "prompt_next": "Which Istio events are coming up?",
        "prompt_events_title": "Every event you know about",
        "prompt_events": "events",
        "status_searching": "is searching istio.io…",
        "feedback_good": "Helpful",
        "feedback_bad": "Not helpful",
        "feedback_thanks": "Thanks for the feedback!",
        "feedback_failed": "Sorry, I could not record your feedback right now. Please try again later.",
        "feedback_unknown": "I no longer have that answer on record, so the vote was not counted.",
        "reason_title": "What was wrong?",
        "reason_label": "What was wrong with the answer?",
        "reason_other": "Anything else (optional)",
        "reason_submit": "Send",
        "reason_close": "Cancel",
        "reason_wrong": "It is wrong or out of date",
        "reason_unrelated": "It does not answer my question",
        "reason_missing": "A link or recording is missing",
        "reason_declined": "It should have known the answer",
        "report_refused": "Sorry, only the bot's admins can see the report (`ADMIN_USER_IDS`).",
        "report_failed": "Sorry, the report is not available right now: the feedback store cannot be read.",
        "home_title": "Istio Events",
        "home_intro": (
            "I answer questions about Istio community events from what istio.io has published: recap posts, "
            "the IstioCon programs with their talks and recordings, and the dates of each event."
        ),
        "home_how": "*How to ask*",
        "home_ways": (
            "• Mention me in a channel: `@istio-events when is the next IstioCon?`\n"
            "• Send me a direct message, or open me in the assistant panel\n"
            "• `{command} <question>`, `{command} events`, `{command} videos [topic]`, `{command} help`"
        ),
        "home_languages": "*Languages*: ask in English, Español or 中文; I reply in your language and quote posts in "
                          "any of them.",
        "home_events": "*Events I know about*",
        "home_recordings": "*Latest recordings* · {event}",
        "notice_new_event": "New event: {event}",
        "notice_new_recap": "New post about {event}",
        "notice_new_recordings": "Recordings of {event} are out ({count} talks)",
        "notice_recordings_how": "List them with `{command} videos {event}`.",
        "notice_reminder_7d": "{event} starts in {days} days, on {date}",
        "notice_reminder_1d": "{event} starts tomorrow, {date}",
        "notice_cfp_closing": "The call for proposals for {event} closes on {date}",
        "notice_footer": "This channel gets Istio event news: `{command} unsubscribe` stops it.",
        "subscribed": (
            "This channel will get Istio event news in {language}: new events, recap posts and recordings, and "
            "reminders a week and a day before an event and before a call for proposals closes. "
            "`{command} unsubscribe` stops it."
        ),
        "subscription_updated": "This channel was subscribed already; its news will come in {language} from now on.",
        "unsubscribed": "This channel will no longer get Istio event news.",
        "not_subscribed": "This channel was not subscribed.",
        "subscribe_refused": (
            "Sorry, only workspace admins and the bot's admins can subscribe or unsubscribe a channel."
        ),
        "subscribe_failed": "Sorry, the subscription could not be saved right now. Please try again in a moment.",
        "subscribe_languages": "I can post in English (en), Spanish (es) or Chinese (zh): `{command} subscribe es`.",
        "home_feedback": "Use 👍 / 👎 under an answer (or react with them) to tell the maintainers how I did.",
        "nf_unknown_edition": "I know of no {subject}. The editions of it I know of:",
        "nf_company_talk": (
            "I know of no {subject} talk at {edition}; its {count} talks are listed by `{command} videos {query}`."
        ),
        "nf_topic_talk": (
            "I know of no talk about “{subject}” at {edition}; its {count} talks are listed by "
            "`{command} videos {query}`."
        ),
        "nf_company_talk_posts": (
            "I know of no {subject} talk at {edition}: the posts about it do not mention one. What I know of it:"
        ),
        "nf_topic_talk_posts": (
            "I know of no talk about “{subject}” at {edition}: the posts about it do not mention one. "
            "What I know of it:"
        ),
        "nf_no_program": "I have no program, talks or recordings of {edition}. What I know of it:",
        "nf_figure": "No post I have says how many people attended {edition}. What I know of it:",
        "nf_price": "No post I have says what {edition} cost. What I know of it:",
        "nf_cfp_deadline": "No post I have says when the call for proposals of {edition} closed. What I know of it:",
        "nf_no_recordings": (
            "I know of no recordings of {edition}: nothing I have about it links one. What I know of it:"
        ),
        "nf_recording": "The program of {edition} lists no recording of “{subject}”.",
        "nf_slides": "The program of {edition} lists no slides for “{subject}”.",
        "nf_speakers": "The program of {edition} names no speaker for “{subject}”.",
        "nf_birthday": "I know of no post about Istio's {subject}. The posts I have about its birthdays:",
    },
    "es": {
        "lead": "Esto es lo que dice istio.io al respecto:",
        "lead_question": "Preguntaste: {question}",
        "videos": "Vídeos",
        "sources": "Fuentes",
        "share": "Compartir en el canal",
        "shared_by": "Compartido por <@{user}>",
        "dont_know": (
            "No lo sé: los artículos, programas y fechas de eventos de Istio que tengo no responden a eso. "
            "Prueba `{command} events` para ver los eventos que conozco, o `{command} help`."
        ),
        "error": "Lo siento, algo salió mal al responder. Vuelve a intentarlo en un momento.",
        "welcome": "¡De nada! Pregúntame sobre los eventos de Istio cuando quieras, o prueba `{command} help`.",
        "help": (
            "*Pregúntame sobre los eventos de la comunidad de Istio* (IstioCon, Istio Day, KubeCon): "
            "mencióname en un canal, envíame un mensaje directo o usa el comando. Respondo en español, "
            "inglés o chino con citas de los resúmenes de los eventos y enlaces a las grabaciones.\n"
            "• `{command} <pregunta>`: hacer una pregunta\n"
            "• `{command} events [año o nombre]`: los eventos que conozco, con fechas (próximos primero)\n"
            "• `{command} videos [tema o evento]`: grabaciones de las charlas\n"
            "• `{command} subscribe [en|es|zh]` / `{command} unsubscribe`: novedades y recordatorios en este canal "
            "(administradores)\n"
            "• `{command} help`: este mensaje\n"
            "También puedes preguntarme en el panel del asistente de Slack y valorar cualquier respuesta con 👍 / 👎."
        ),
        "events_title": "Eventos que conozco",
        "no_events": "Todavía no conozco ningún evento de Istio.",
        "videos_title": "Grabaciones de las charlas",
        "videos_topic_title": "Grabaciones sobre «{topic}»",
        "no_videos": "No encontré grabaciones sobre «{topic}». Prueba `{command} videos` para verlas todas.",
        "more": "…y {count} más.",
        "sessions_title": "Sesiones ({count})",
        "sessions_more": "…y {count} más. Pregunta por una de ellas o acota la pregunta.",
        "recording": "grabación",
        "slides": "diapositivas",
        "upcoming_title": "Próximamente",
        "none_next_month": "No conozco ningún evento de Istio el mes que viene; más adelante",
        "no_upcoming": "No conozco ningún evento de Istio próximo (hoy es {today}).",
        "latest_event_heading": "El más reciente que conozco:",
        "events_upcoming": "Próximos",
        "events_past": "Pasados",
        "no_events_match": (
            "No conozco ningún evento que coincida con «{filter}». Prueba `{command} events` para verlos todos."
        ),
        "role_registration": "inscripción",
        "role_cfp": "convocatoria de charlas",
        "add_to_calendar": "Añadir al calendario",
        "role_schedule": "programa",
        "sessions_count": "{count} sesiones",
        "lang_en": "inglés",
        "lang_es": "español",
        "lang_zh": "chino",
        "file_note": "Solo leo texto: no puedo abrir archivos ni imágenes. Escríbeme tu pregunta con palabras.",
        "flood_note": "Tienes muchas preguntas en espera; primero responderé estas.",
        "warming_up": "Estoy arrancando y cargando lo que sé; te respondo en un par de minutos.",
        "busy_retry": "Lo siento, no he podido recibir eso ahora. Vuelve a intentarlo en un momento.",
        "assistant_greeting": (
            "¡Hola! Respondo preguntas sobre los eventos de la comunidad de Istio (IstioCon, Istio Day, KubeCon) "
            "a partir de istio.io: qué se dijo, cuándo y dónde, y dónde ver las charlas."
        ),
        "assistant_prompts_title": "Prueba a preguntar",
        "prompt_latest": "¿Qué pasó en {event}?",
        "prompt_recordings_title": "Grabaciones de {event}",
        "prompt_recordings": "vídeos {event}",
        "prompt_next": "¿Cuáles son los próximos eventos de Istio?",
        "prompt_events_title": "Todos los eventos que conoces",
        "prompt_events": "eventos",
        "status_searching": "está buscando en istio.io…",
        "feedback_good": "Útil",
        "feedback_bad": "No es útil",
        "feedback_thanks": "¡Gracias por tu opinión!",
        "feedback_failed": "Lo siento, ahora no puedo guardar tu opinión. Vuelve a intentarlo más tarde.",
        "feedback_unknown": "Ya no tengo registrada esa respuesta, así que el voto no se contó.",
        "reason_title": "¿Qué falló?",
        "reason_label": "¿Qué estaba mal en la respuesta?",
        "reason_other": "Algo más (opcional)",
        "reason_submit": "Enviar",
        "reason_close": "Cancelar",
        "reason_wrong": "Es incorrecta o está desactualizada",
        "reason_unrelated": "No responde a mi pregunta",
        "reason_missing": "Falta un enlace o una grabación",
        "reason_declined": "Debería haber sabido la respuesta",
        "report_refused": "Lo siento, solo los administradores del bot pueden ver el informe (`ADMIN_USER_IDS`).",
        "report_failed": "Lo siento, el informe no está disponible ahora: no se puede leer el almacén de opiniones.",
        "home_title": "Eventos de Istio",
        "home_intro": (
            "Respondo preguntas sobre los eventos de la comunidad de Istio a partir de lo que ha publicado istio.io: "
            "los artículos de resumen, los programas de IstioCon con sus charlas y grabaciones, y las fechas de "
            "cada evento."
        ),
        "home_how": "*Cómo preguntar*",
        "home_ways": (
            "• Mencióname en un canal: `@istio-events ¿cuándo es la próxima IstioCon?`\n"
            "• Envíame un mensaje directo o ábreme en el panel del asistente\n"
            "• `{command} <pregunta>`, `{command} eventos`, `{command} vídeos [tema]`, `{command} ayuda`"
        ),
        "home_languages": "*Idiomas*: pregunta en español, inglés o chino; respondo en tu idioma y cito artículos "
                          "en cualquiera de ellos.",
        "home_events": "*Eventos que conozco*",
        "home_recordings": "*Últimas grabaciones* · {event}",
        "notice_new_event": "Nuevo evento: {event}",
        "notice_new_recap": "Nuevo artículo sobre {event}",
        "notice_new_recordings": "Ya están las grabaciones de {event} ({count} charlas)",
        "notice_recordings_how": "Consúltalas con `{command} videos {event}`.",
        "notice_reminder_7d": "{event} empieza dentro de {days} días, el {date}",
        "notice_reminder_1d": "{event} empieza mañana, {date}",
        "notice_cfp_closing": "La convocatoria de charlas de {event} cierra el {date}",
        "notice_footer": "Este canal recibe novedades de eventos de Istio: `{command} unsubscribe` las detiene.",
        "subscribed": (
            "Este canal recibirá novedades de eventos de Istio en {language}: eventos nuevos, artículos de resumen y "
            "grabaciones, y recordatorios una semana y un día antes de cada evento y antes de que cierre una "
            "convocatoria de charlas. `{command} unsubscribe` las detiene."
        ),
        "subscription_updated": (
            "Este canal ya estaba suscrito; a partir de ahora sus novedades llegarán en {language}."
        ),
        "unsubscribed": "Este canal ya no recibirá novedades de eventos de Istio.",
        "not_subscribed": "Este canal no estaba suscrito.",
        "subscribe_refused": (
            "Lo siento, solo los administradores del espacio de trabajo y del bot pueden suscribir o dar de baja "
            "un canal."
        ),
        "subscribe_failed": "Lo siento, ahora no se pudo guardar la suscripción. Vuelve a intentarlo en un momento.",
        "subscribe_languages": "Puedo publicar en inglés (en), español (es) o chino (zh): `{command} subscribe es`.",
        "home_feedback": (
            "Usa 👍 / 👎 debajo de una respuesta (o reacciona con ellos) para contar a los mantenedores "
            "qué tal lo hice."
        ),
        "nf_unknown_edition": "No conozco ninguna {subject}. Las ediciones que conozco:",
        "nf_company_talk": (
            "No conozco ninguna charla de {subject} en {edition}; sus {count} charlas se listan con "
            "`{command} videos {query}`."
        ),
        "nf_topic_talk": (
            "No conozco ninguna charla sobre «{subject}» en {edition}; sus {count} charlas se listan con "
            "`{command} videos {query}`."
        ),
        "nf_company_talk_posts": (
            "No conozco ninguna charla de {subject} en {edition}: los artículos sobre el evento no mencionan "
            "ninguna. Lo que sé del evento:"
        ),
        "nf_topic_talk_posts": (
            "No conozco ninguna charla sobre «{subject}» en {edition}: los artículos sobre el evento no mencionan "
            "ninguna. Lo que sé del evento:"
        ),
        "nf_no_program": "No tengo el programa, las charlas ni las grabaciones de {edition}. Lo que sé de ella:",
        "nf_figure": "Ningún artículo que tengo dice cuántas personas asistieron a {edition}. Lo que sé de ella:",
        "nf_price": "Ningún artículo que tengo dice cuánto costaba {edition}. Lo que sé de ella:",
        "nf_cfp_deadline": (
            "Ningún artículo que tengo dice cuándo cerró la convocatoria de propuestas de {edition}. Lo que sé de ella:"
        ),
        "nf_no_recordings": (
            "No conozco grabaciones de {edition}: nada de lo que tengo sobre ella enlaza una. Lo que sé de ella:"
        ),
        "nf_recording": "El programa de {edition} no incluye ninguna grabación de «{subject}».",
        "nf_slides": "El programa de {edition} no incluye diapositivas de «{subject}».",
        "nf_speakers": "El programa de {edition} no nombra a ningún ponente de «{subject}».",
        "nf_birthday": "No tengo ningún artículo sobre el {subject} de Istio. Los que tengo sobre sus cumpleaños:",
    },
    "zh": {
        "lead": "以下是 istio.io 上的相关内容：",
        "lead_question": "你的问题：{question}",
        "videos": "视频",
        "sources": "来源",
        "share": "分享到频道",
        "shared_by": "由 <@{user}> 分享",
        "dont_know": (
            "我不知道：我所掌握的 Istio 活动文章、议程和日期没有回答这个问题。"
            "可以试试 `{command} events` 查看我了解的活动，或 `{command} help`。"
        ),
        "error": "抱歉，回答时出了点问题，请稍后再试。",
        "welcome": "不客气！随时可以问我 Istio 活动的事，或试试 `{command} help`。",
        "help": (
            "*向我提问 Istio 社区活动*（IstioCon、Istio Day、KubeCon）：在频道中提及我、给我发私信，"
            "或使用斜杠命令。我会用中文、英文或西班牙文回答，引用活动文章和 IstioCon 议程并附上演讲录像链接。\n"
            "• `{command} <问题>`：提问\n"
            "• `{command} events [年份或名称]`：我了解的活动及日期（即将举行的在前）\n"
            "• `{command} videos [主题或活动]`：演讲录像\n"
            "• `{command} subscribe [en|es|zh]` / `{command} unsubscribe`：在本频道接收活动消息和提醒（管理员）\n"
            "• `{command} help`：显示本帮助\n"
            "也可以在 Slack 的助手面板中向我提问，并用 👍 / 👎 评价任何回答。"
        ),
        "events_title": "我了解的活动",
        "no_events": "我还不知道任何 Istio 活动。",
        "videos_title": "演讲录像",
        "videos_topic_title": "关于“{topic}”的演讲录像",
        "no_videos": "没有找到关于“{topic}”的录像。试试 `{command} videos` 查看全部。",
        "more": "……还有 {count} 个。",
        "sessions_title": "演讲（{count}）",
        "sessions_more": "……还有 {count} 个。可以针对其中一个提问，或缩小问题范围。",
        "recording": "录像",
        "slides": "幻灯片",
        "upcoming_title": "即将举行",
        "none_next_month": "下个月没有我所知道的 Istio 活动；之后的活动",
        "no_upcoming": "目前我不知道有即将举行的 Istio 活动（今天是 {today}）。",
        "latest_event_heading": "我所知道的最近一次活动：",
        "events_upcoming": "即将举行",
        "events_past": "已举行",
        "no_events_match": "没有找到与“{filter}”匹配的活动。试试 `{command} events` 查看全部。",
        "role_registration": "报名",
        "role_cfp": "演讲征集",
        "add_to_calendar": "添加到日历",
        "role_schedule": "日程",
        "sessions_count": "{count} 场演讲",
        "lang_en": "英文",
        "lang_es": "西班牙文",
        "lang_zh": "中文",
        "file_note": "我只能读取文字，无法打开文件或图片。请用文字提问。",
        "flood_note": "你还有很多问题在等待回答，我会先回答这些。",
        "warming_up": "我刚启动，正在加载资料，一两分钟后回答你。",
        "busy_retry": "抱歉，我刚才没能接收这个请求，请稍后再试。",
        "assistant_greeting": (
            "你好！我根据 istio.io 回答有关 Istio 社区活动（IstioCon、Istio Day、KubeCon）的问题："
            "讲了什么、何时何地举行，以及在哪里观看演讲录像。"
        ),
        "assistant_prompts_title": "试着问问",
        "prompt_latest": "{event} 有哪些内容？",
        "prompt_recordings_title": "{event} 的录像",
        "prompt_recordings": "视频 {event}",
        "prompt_next": "接下来有哪些 Istio 活动？",
        "prompt_events_title": "你了解的所有活动",
        "prompt_events": "活动",
        "status_searching": "正在搜索 istio.io…",
        "feedback_good": "有帮助",
        "feedback_bad": "没有帮助",
        "feedback_thanks": "感谢你的反馈！",
        "feedback_failed": "抱歉，现在无法记录你的反馈，请稍后再试。",
        "feedback_unknown": "我已不再保存那条回答，因此这次投票没有计入。",
        "reason_title": "哪里不对？",
        "reason_label": "这条回答哪里不对？",
        "reason_other": "其他说明（可选）",
        "reason_submit": "提交",
        "reason_close": "取消",
        "reason_wrong": "内容有误或已过时",
        "reason_unrelated": "没有回答我的问题",
        "reason_missing": "缺少链接或录像",
        "reason_declined": "它本应知道答案",
        "report_refused": "抱歉，只有机器人的管理员（`ADMIN_USER_IDS`）可以查看报告。",
        "report_failed": "抱歉，现在无法生成报告：无法读取反馈存储。",
        "home_title": "Istio 活动",
        "home_intro": (
            "我根据 istio.io 发布的内容回答有关 Istio 社区活动的问题：活动回顾文章、IstioCon 议程及其演讲和录像，"
            "以及每场活动的日期。"
        ),
        "home_how": "*如何提问*",
        "home_ways": (
            "• 在频道中提及我：`@istio-events 下一届 IstioCon 什么时候举行？`\n"
            "• 给我发私信，或在助手面板中打开我\n"
            "• `{command} <问题>`、`{command} 活动`、`{command} 视频 [主题]`、`{command} 帮助`"
        ),
        "home_languages": "*语言*：可以用中文、英文或西班牙文提问；我会用你的语言回答，并引用任一语言的文章。",
        "home_events": "*我了解的活动*",
        "home_recordings": "*最新录像* · {event}",
        "notice_new_event": "新活动：{event}",
        "notice_new_recap": "关于 {event} 的新文章",
        "notice_new_recordings": "{event} 的录像已发布（{count} 场演讲）",
        "notice_recordings_how": "用 `{command} videos {event}` 查看列表。",
        "notice_reminder_7d": "{event} 将在 {days} 天后（{date}）开始",
        "notice_reminder_1d": "{event} 明天（{date}）开始",
        "notice_cfp_closing": "{event} 的演讲征集将于 {date} 截止",
        "notice_footer": "本频道订阅了 Istio 活动消息：`{command} unsubscribe` 可以取消。",
        "subscribed": (
            "本频道将以{language}接收 Istio 活动消息：新活动、活动回顾文章和录像，以及活动开始前一周和前一天、"
            "演讲征集截止前的提醒。`{command} unsubscribe` 可以取消。"
        ),
        "subscription_updated": "本频道已经订阅；今后的消息将使用{language}。",
        "unsubscribed": "本频道将不再接收 Istio 活动消息。",
        "not_subscribed": "本频道没有订阅。",
        "subscribe_refused": "抱歉，只有工作区管理员和机器人的管理员可以为频道订阅或取消订阅。",
        "subscribe_failed": "抱歉，现在无法保存订阅，请稍后再试。",
        "subscribe_languages": "我可以用英文 (en)、西班牙文 (es) 或中文 (zh) 发布：`{command} subscribe es`。",
        "home_feedback": "在回答下方点 👍 / 👎（或用它们回应），让维护者知道我答得怎么样。",
        "nf_unknown_edition": "我不知道有 {subject}。我了解的各届：",
        "nf_company_talk": (
            "我不知道 {edition} 上有 {subject} 的演讲；它的 {count} 场演讲可用 `{command} videos {query}` 查看。"
        ),
        "nf_topic_talk": (
            "我不知道 {edition} 有关于“{subject}”的演讲；它的 {count} 场演讲可用 `{command} videos {query}` 查看。"
        ),
        "nf_company_talk_posts": "我不知道 {edition} 上有 {subject} 的演讲：相关文章都没有提到。我了解的情况：",
        "nf_topic_talk_posts": "我不知道 {edition} 有关于“{subject}”的演讲：相关文章都没有提到。我了解的情况：",
        "nf_no_program": "我没有 {edition} 的议程、演讲或录像。我了解的情况：",
        "nf_figure": "我掌握的文章都没有说 {edition} 有多少人参加。我了解的情况：",
        "nf_price": "我掌握的文章都没有说 {edition} 的费用。我了解的情况：",
        "nf_cfp_deadline": "我掌握的文章都没有说 {edition} 的演讲征集何时截止。我了解的情况：",
        "nf_no_recordings": "我不知道 {edition} 有任何录像：我掌握的相关内容都没有链接录像。我了解的情况：",
        "nf_recording": "{edition} 的日程中没有“{subject}”的录像。",
        "nf_slides": "{edition} 的日程中没有“{subject}”的幻灯片。",
        "nf_speakers": "{edition} 的日程中没有写明“{subject}”的讲者。",
        "nf_birthday": "我没有关于 Istio {subject}的文章。我掌握的关于 Istio 生日的文章：",
    },
}

STRINGS: dict[str, dict[str, str]] = {lang: {**EVENT_WORDS[lang], **words} for lang, words in BOT_WORDS.items()}
"""The one table: every string of the bot in each UI language (``BOT_WORDS`` and ``EVENT_WORDS`` merged)."""

SUBCOMMANDS: dict[str, tuple[str, str]] = {
    # word typed after the command -> (subcommand, UI language it implies)
    "help": ("help", "en"),
    "ayuda": ("help", "es"),
    "帮助": ("help", "zh"),
    "events": ("events", "en"),
    "eventos": ("events", "es"),
    "活动": ("events", "zh"),
    "videos": ("videos", "en"),
    "vídeos": ("videos", "es"),
    "视频": ("videos", "zh"),
    "report": ("report", "en"),
    "informe": ("report", "es"),
    "报告": ("report", "zh"),
    "subscribe": ("subscribe", "en"),
    "suscribir": ("subscribe", "es"),
    "suscribirse": ("subscribe", "es"),
    "订阅": ("subscribe", "zh"),
    "unsubscribe": ("unsubscribe", "en"),
    "desuscribir": ("unsubscribe", "es"),
    "desuscribirse": ("unsubscribe", "es"),
    "取消订阅": ("unsubscribe", "zh"),
}
"""Subcommands and their translations; the word used also picks the reply's language."""


def t(lang: str, key: str, **values: str | int) -> str:
    """The UI string ``key`` in ``lang``'s UI language (:func:`~bot.core.language.ui_language`: a language
    the bot has no strings in reads English). A key that language lacks is a ``KeyError``: never another
    language's string in its place."""
    return STRINGS[ui_language(lang)][key].format(command=COMMAND, **values)


def language_name(ui_lang: str, code: str) -> str:
    """A post language's name in the UI language; a post language that is no UI language (``pt-br``) is
    shown by its code."""
    return STRINGS[ui_language(ui_lang)].get(f"lang_{code}", code)
