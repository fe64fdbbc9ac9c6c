"""One NoneBot plugin per capability."""
