"""The rules floor: the modules that decide facts (a case's steps and deadlines, the 保障 basis, the review
clock, the 公示 period, the checks an inspection runs) — read by the renderers in generators/ and by the web
and CLI, which re-derive nothing. Nothing here writes a document."""
