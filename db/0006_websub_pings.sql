CREATE TABLE `websub_pings` (
	`url` text NOT NULL,
	`due_at` integer NOT NULL,
	`next_attempt_at` integer NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`last_error` text,
	PRIMARY KEY(`url`, `due_at`)
);
--> statement-breakpoint
CREATE INDEX `websub_pings_next_attempt_idx` ON `websub_pings` (`next_attempt_at`);