#!/usr/bin/env node
// Committed shim so npm links the command before the first build.
import '../dist/cli.js';
