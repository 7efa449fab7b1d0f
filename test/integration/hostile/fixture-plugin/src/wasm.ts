import { hostile } from './index.ts';

export default hostile('HostileWasmSource');
