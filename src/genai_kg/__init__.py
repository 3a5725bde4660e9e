"""genai-kg: a knowledge graph of Generative-AI careers, and an exact learning-path planner."""

__version__ = "0.1.0"
