"""What tests and benchmarks need to stand in for Slack: a mock Web API, request signing, request bodies.

Kept outside the runtime packages (``bot``, ``embeddings`` never import it) so the served code carries
no test doubles, and shared by ``tests/`` and ``benchmarks/`` so both send Slack exactly the same requests.
"""
