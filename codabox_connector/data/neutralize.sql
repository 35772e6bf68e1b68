-- A copy of a production database (neutralized) must not talk to CodaBox.
UPDATE codabox_connection SET fetch_enabled = false;
DELETE FROM ir_config_parameter WHERE key = 'codabox_connector.api_url';
INSERT INTO ir_config_parameter (key, value)
VALUES ('codabox_connector.api_url', 'https://sandbox-api.codabox.com/v2');
