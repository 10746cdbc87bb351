"""Load, validate, chunk, embed and index the corpus; incremental and crash-safe."""
