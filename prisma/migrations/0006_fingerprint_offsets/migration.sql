-- Song identity keeps one timeline per song: the one its charts are written against (its first
-- registered recording's). Another encode of the song may start earlier or later (leading
-- silence, a cut intro); its fingerprint stores where it sits on that timeline, so a lookup that
-- aligns with it can still tell the client how far its own audio is from the charts.
-- offset_ms: this encode's time t is the song's time t - offset_ms (positive: it has that much
-- more audio before the song starts; negative: it starts that far into the song).
ALTER TABLE fingerprints ADD COLUMN offset_ms integer NOT NULL DEFAULT 0;
