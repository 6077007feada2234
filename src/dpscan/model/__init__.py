"""The leaf of dpscan: the vocabulary every stage shares.

Ids (:mod:`.ids`, :mod:`.entities`), the records of a scan (:mod:`.records`), what an
extractor hands on (:mod:`.extraction`), the configuration (:mod:`.config`) and the error
base class (:mod:`.errors`).  Nothing here imports any other part of dpscan, so every stage
may import it and none pulls in another stage by doing so.
"""
