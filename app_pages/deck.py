"""Meeting deck: build, share, print and present an ordered list of scenes (drawing in components/deck.py)."""
from components import deck, meeting, store

stamp = store.built_at()
if meeting.is_on():
    deck.present(stamp)
else:
    deck.builder(stamp)
