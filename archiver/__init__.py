"""archiver: read what lands in the inbox, route it to its household, file it, index it."""
