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

/** The learner's input to the playback; the machine itself holds back what the quiz does not allow. */
export function sendPlayback(event: PlaybackEvent): void {
  playbackActor.send(event);
}
