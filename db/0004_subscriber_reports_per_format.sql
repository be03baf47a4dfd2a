-- Subscriber reports gain the feed format in their key (an aggregator counts each format's URL
-- apart). The table has no foreign keys, so it is rebuilt without touching PRAGMA foreign_keys
-- (which D1 does not allow). Earlier rows are counted as RSS.
CREATE TABLE `__new_feed_subscriber_reports` (
	`day` text NOT NULL,
	`feed_key` text NOT NULL,
	`aggregator` text NOT NULL,
	`format` text NOT NULL,
	`subscribers` integer NOT NULL,
	PRIMARY KEY(`day`, `feed_key`, `aggregator`, `format`)
);
--> statement-breakpoint
INSERT INTO `__new_feed_subscriber_reports`("day", "feed_key", "aggregator", "format", "subscribers") SELECT "day", "feed_key", "aggregator", 'rss', "subscribers" FROM `feed_subscriber_reports`;--> statement-breakpoint
DROP TABLE `feed_subscriber_reports`;--> statement-breakpoint
ALTER TABLE `__new_feed_subscriber_reports` RENAME TO `feed_subscriber_reports`;
