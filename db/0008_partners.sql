CREATE TABLE `article_tombstones` (
	`article_id` text NOT NULL,
	`section_id` text NOT NULL,
	`deleted_at` integer NOT NULL,
	PRIMARY KEY(`article_id`, `section_id`)
);
--> statement-breakpoint
CREATE INDEX `article_tombstones_deleted_idx` ON `article_tombstones` (`deleted_at`);--> statement-breakpoint
CREATE TABLE `partner_keys` (
	`id` text PRIMARY KEY NOT NULL,
	`partner_id` text NOT NULL,
	`hash` text NOT NULL,
	`hint` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer,
	`revoked_at` integer,
	`last_used_at` integer,
	FOREIGN KEY (`partner_id`) REFERENCES `partners`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `partner_keys_hash_unique` ON `partner_keys` (`hash`);--> statement-breakpoint
CREATE INDEX `partner_keys_partner_idx` ON `partner_keys` (`partner_id`);--> statement-breakpoint
CREATE TABLE `partner_usage` (
	`partner_id` text NOT NULL,
	`day` text NOT NULL,
	`requests` integer DEFAULT 0 NOT NULL,
	`items` integer DEFAULT 0 NOT NULL,
	`bytes` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`partner_id`, `day`)
);
--> statement-breakpoint
CREATE TABLE `partners` (
	`id` text PRIMARY KEY NOT NULL,
	`slug` text NOT NULL,
	`name` text NOT NULL,
	`content` text DEFAULT 'full' NOT NULL,
	`section_ids` text DEFAULT '[]' NOT NULL,
	`embargo_minutes` integer DEFAULT 0 NOT NULL,
	`include_images` integer DEFAULT true NOT NULL,
	`attribution_text` text,
	`origins` text DEFAULT '[]' NOT NULL,
	`rate_limit_per_minute` integer DEFAULT 60 NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `partners_slug_unique` ON `partners` (`slug`);