// Which page this is: `/?replay=ID` (`&key=K`) plays a recorded match (replay/viewer.js, no
// connection); any other address is the live game (main.js).

const page = new URLSearchParams(location.search);
const replay = page.get('replay');
if (replay !== null && replay !== '') {
  void import('./replay/viewer.js').then((viewer) => viewer.startReplayViewer(replay, page.get('key')));
} else {
  void import('./main.js');
}
