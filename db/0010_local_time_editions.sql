DROP INDEX `editions_cadence_period_uq`;--> statement-breakpoint
ALTER TABLE `editions` ADD `segment_key` text DEFAULT 'all' NOT NULL;--> statement-breakpoint
ALTER TABLE `editions` ADD `send_after` integer;--> statement-breakpoint
CREATE UNIQUE INDEX `editions_period_segment_uq` ON `editions` (`cadence`,`period_key`,`segment_key`);--> statement-breakpoint
CREATE INDEX `editions_status_idx` ON `editions` (`status`,`created_at`);--> statement-breakpoint
CREATE INDEX `editions_segment_window_idx` ON `editions` (`cadence`,`segment_key`,`window_end`);--> statement-breakpoint
ALTER TABLE `articles` ADD `listed_at` integer;--> statement-breakpoint
UPDATE `articles` SET `listed_at` = max(coalesce(`published_at`, `created_at`), `created_at`) WHERE `status` = 'published';--> statement-breakpoint
CREATE INDEX `articles_status_listed_idx` ON `articles` (`status`,`listed_at`);--> statement-breakpoint
ALTER TABLE `deliveries` ADD `cadence` text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE `deliveries` ADD `period_key` text DEFAULT '' NOT NULL;--> statement-breakpoint
UPDATE `deliveries` SET `cadence` = (SELECT `cadence` FROM `editions` WHERE `editions`.`id` = `deliveries`.`edition_id`), `period_key` = (SELECT `period_key` FROM `editions` WHERE `editions`.`id` = `deliveries`.`edition_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `deliveries_subscriber_period_uq` ON `deliveries` (`subscriber_id`,`cadence`,`period_key`);--> statement-breakpoint
ALTER TABLE `subscribers` ADD `preferred_weekday` integer DEFAULT 6 NOT NULL;--> statement-breakpoint
ALTER TABLE `subscribers` ADD `segment_key` text DEFAULT 'all' NOT NULL;--> statement-breakpoint
CREATE INDEX `subscribers_due_idx` ON `subscribers` (`status`,`frequency`,`timezone`,`segment_key`);--> statement-breakpoint
UPDATE `subscribers` SET `segment_key` = 's=' || coalesce((SELECT group_concat(`term_id`, ',') FROM (SELECT `term_id` FROM `subscriber_topics` WHERE `subscriber_id` = `subscribers`.`id` AND `kind` = 'section' ORDER BY `term_id`)), '') || ';a=' || coalesce((SELECT group_concat(`term_id`, ',') FROM (SELECT `term_id` FROM `subscriber_topics` WHERE `subscriber_id` = `subscribers`.`id` AND `kind` = 'author' ORDER BY `term_id`)), '') WHERE EXISTS (SELECT 1 FROM `subscriber_topics` WHERE `subscriber_id` = `subscribers`.`id`);
