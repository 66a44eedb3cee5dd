#!/usr/bin/env node
import "../dist/flows-container.mjs";
