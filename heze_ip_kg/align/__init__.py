"""Element-to-element links from a child document to its parents — proposed by
text similarity (``proposals``), then the reviewed decisions made into alignment resources
(``decisions``)."""
