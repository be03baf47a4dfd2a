ALTER TABLE `editions` ADD `first_submitted_at` integer;--> statement-breakpoint
UPDATE `editions` SET `first_submitted_at` = (SELECT min(`submitted_at`) FROM `deliveries` WHERE `deliveries`.`status` = 'submitted' AND `deliveries`.`edition_id` = `editions`.`id`);--> statement-breakpoint
DROP INDEX `deliveries_status_idx`;--> statement-breakpoint
CREATE INDEX `deliveries_open_idx` ON `deliveries` (`edition_id`,`subscriber_id`,`status`) WHERE status IN ('pending', 'sending');--> statement-breakpoint
CREATE INDEX `deliveries_settled_idx` ON `deliveries` (`edition_id`,`status`) WHERE status NOT IN ('pending', 'sending');
