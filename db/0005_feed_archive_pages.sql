CREATE TABLE `feed_archive_pages` (
	`feed_key` text NOT NULL,
	`page` integer NOT NULL,
	`last_published_at` integer NOT NULL,
	`last_id` text NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	`changed_at` integer NOT NULL,
	PRIMARY KEY(`feed_key`, `page`)
);
--> statement-breakpoint
ALTER TABLE `feed_state` ADD `archive_pages` integer DEFAULT 0 NOT NULL;