/**
 * The contract between the command registry and every tool, under its usual name. It lives
 * in tool/ so that the tools in sub-folders (iptables/, nft/) can import it without
 * importing the folder that registers them (the folder graph would have a cycle).
 */
export type { CommandContext, CommandResult } from './tool/types';
