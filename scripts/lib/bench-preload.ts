// Preloaded into the action process by the bench (NODE_OPTIONS=--import …/bench-preload.ts): dilates its clock.
import { installDilation } from './bench-timescale.ts';

installDilation();
