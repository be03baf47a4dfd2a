CREATE TABLE `feed_fetches` (
	`day` text NOT NULL,
	`feed_key` text NOT NULL,
	`format` text NOT NULL,
	`fetches` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`day`, `feed_key`, `format`)
);
--> statement-breakpoint
CREATE TABLE `feed_state` (
	`feed_key` text PRIMARY KEY NOT NULL,
	`version` integer DEFAULT 0 NOT NULL,
	`changed_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `feed_subscriber_reports` (
	`day` text NOT NULL,
	`feed_key` text NOT NULL,
	`aggregator` text NOT NULL,
	`subscribers` integer NOT NULL,
	PRIMARY KEY(`day`, `feed_key`, `aggregator`)
);
