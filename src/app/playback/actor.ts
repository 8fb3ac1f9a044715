/** The one running playback actor and its React binding. */
import { useSelector } from '@xstate/react';
import { createActor, type SnapshotFrom } from 'xstate';
import { playbackMachine, type PlaybackEvent } from './machine';

export const playbackActor = createActor(playbackMachine);
playbackActor.start();

export type PlaybackSnapshot = SnapshotFrom<typeof playbackMachine>;

export function usePlayback<T>(selector: (s: PlaybackSnapshot) => T): T {
  return useSelector(playbackActor, selector);
}

/** A filter between the learner's input and the playback (the quiz holds back unanswered steps). */
type PlaybackGuard = (event: PlaybackEvent) => PlaybackEvent | null;
let guard: PlaybackGuard | null = null;

export function setPlaybackGuard(g: PlaybackGuard | null): void {
  guard = g;
}

export function sendPlayback(event: PlaybackEvent): void {
  const e = guard ? guard(event) : event;
  if (e) playbackActor.send(e);
}
