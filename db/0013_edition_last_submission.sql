ALTER TABLE `editions` ADD `last_submitted_at` integer;--> statement-breakpoint
UPDATE `editions` SET `last_submitted_at` = (SELECT max(`submitted_at`) FROM `deliveries` WHERE `deliveries`.`edition_id` = `editions`.`id` AND `deliveries`.`status` NOT IN ('pending', 'sending') AND `deliveries`.`status` = 'submitted') WHERE `status` = 'sending';
