CREATE TABLE `mail_events` (
	`id` text PRIMARY KEY NOT NULL,
	`type` text NOT NULL,
	`received_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `rate_limits` (
	`key` text PRIMARY KEY NOT NULL,
	`window_start` integer NOT NULL,
	`count` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `subscriber_topics` (
	`subscriber_id` text NOT NULL,
	`kind` text NOT NULL,
	`term_id` text NOT NULL,
	PRIMARY KEY(`subscriber_id`, `kind`, `term_id`),
	FOREIGN KEY (`subscriber_id`) REFERENCES `subscribers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `suppressions` (
	`address_key` text PRIMARY KEY NOT NULL,
	`reason` text NOT NULL,
	`source` text NOT NULL,
	`detail` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE `subscribers` ADD `locale` text DEFAULT 'ar' NOT NULL;--> statement-breakpoint
ALTER TABLE `subscribers` ADD `soft_bounces` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `subscribers` ADD `suppressed_at` integer;--> statement-breakpoint
ALTER TABLE `subscribers` ADD `erased_at` integer;