"""The HTTP edge: the application, its middleware, request dependencies and the web pages.

Requests come in here and status codes go out; everything below (``live``, ``store``) raises
domain errors instead.
"""
