#!/usr/bin/env node
import { main } from '../dist/index.js';

const code = main(process.argv.slice(2));
if (code !== undefined) process.exitCode = code;
