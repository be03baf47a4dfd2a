DROP INDEX `deliveries_status_idx`;--> statement-breakpoint
CREATE INDEX `deliveries_status_idx` ON `deliveries` (`status`,`edition_id`,`submitted_at`);