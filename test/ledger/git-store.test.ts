import { ledgerStoreContract } from './contract.ts';
import { gitHarness } from './helpers.ts';

ledgerStoreContract('git', gitHarness);
