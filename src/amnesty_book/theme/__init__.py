"""The look and the words: templates, stylesheets, the book face and the builder's labels."""
