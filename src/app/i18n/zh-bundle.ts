/** Everything the page needs in Simplified Chinese, in one chunk loaded when the language is chosen. */
export { ZH } from '../../engine/sim/messages-zh';
export { SHARE_ZH } from './share-zh';
export { UI_ZH } from './ui-zh';
