"""Pure graph making: an article's graph, the merged layer, events across reports."""
