"""The Gradio app: Ask (clinicians), Sources (editors), Evals (evaluators)."""
