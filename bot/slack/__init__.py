"""Everything Slack: the Bolt app and its listeners, Block Kit, delivery, the Home tab, HTTP and Socket
Mode serving, the answer pool and metrics. It turns events into core calls and Replies into messages."""
