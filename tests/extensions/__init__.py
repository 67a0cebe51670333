"""Extensions written as a user of the builder would write them: each one module."""
