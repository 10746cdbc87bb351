"""Deterministic review of answers against encoded rules.

Pure: no torch, Chroma, LangChain or network. It reads `corpus/rules/` and the texts it is given.
"""
