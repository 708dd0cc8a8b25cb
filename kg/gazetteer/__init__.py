"""The gazetteer: the table the pipeline reads, and its builder from Wikidata sources."""
