// `make bench`: the phone benchmarks (medians printed, nothing asserted about speed).
import base from './playwright.config';
import { defineConfig } from '@playwright/test';

export default defineConfig({ ...base, testDir: './bench', timeout: 600_000 });
