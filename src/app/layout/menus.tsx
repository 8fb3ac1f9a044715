/**
 * The contents of the header's Share, Classroom and Tools menus: a chunk of their own, fetched as the
 * header mounts, so the first paint does not wait for their dialogs, the exports and the lessons list.
 */
import { ClassroomBar } from '../classroom/ClassroomBar';
import { GuidedPath } from '../curriculum/GuidedPath';
import { LabButton } from '../lab/LabButton';
import { ShareButtons, ToolButtons } from '../share/ShareToolbar';

export function ShareMenu() {
  return <ShareButtons />;
}

export function ClassroomMenu() {
  return (
    <>
      <GuidedPath />
      <ClassroomBar />
    </>
  );
}

export function ToolsMenu() {
  return (
    <>
      <ToolButtons />
      <LabButton />
    </>
  );
}
