-- Deprecation announced by the API's own responses (`Deprecation`, `Sunset` headers): JSON
-- `{"since": ISO | null, "sunset": ISO | null, "source": "header"}`, NULL when never announced.
ALTER TABLE inventory_endpoints ADD COLUMN deprecation TEXT;
