"""mock-interviewer: practise interviews with a language model, graded against exemplar answers."""

__version__ = "0.1.0"
