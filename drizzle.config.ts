import { defineConfig } from 'drizzle-kit';

// `npx drizzle-kit generate` writes the SQL migrations into db/, used by both runtimes.
export default defineConfig({
  dialect: 'sqlite',
  schema: './src/storage/schema.ts',
  out: './db',
});
