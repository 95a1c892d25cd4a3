"""The facilitator's screen: a Textual app over one live ``Meeting``."""
