import * as core from '@actions/core';

core.info('flow-release post step');
