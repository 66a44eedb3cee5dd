#!/usr/bin/env node
import "../dist/flows.mjs";
