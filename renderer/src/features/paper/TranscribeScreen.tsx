/**
 * Transcribing one paper sheet (issue 13 item 4): its scan on one side, the walk-in entry form on
 * the other (the same component: the same validation, keyboard flow and returning-customer lookup),
 * the box of the field being typed highlighted on the scan.
 */
import { useState } from 'react';
import { WalkInScreen } from '../intake/WalkInScreen';
import { ScanViewer } from './ScanViewer';
import { usePaperWork, type PaperWork } from './work';

export function TranscribeScreen({ work, certified }: { work: PaperWork; certified: boolean }) {
  const [field, setField] = useState<string | null>(null);
  const finish = usePaperWork((state) => state.finish);
  return (
    <div className="paper-work" data-testid="transcribe-screen">
      <ScanViewer batchId={work.batchId} serial={work.serial} field={field} title={work.formNo} />
      <div className="paper-work__form">
        <WalkInScreen certified={certified} paper={{ batchId: work.batchId, serial: work.serial, formNo: work.formNo, onField: setField, onDone: (message) => finish(message), onBack: () => finish() }} />
      </div>
    </div>
  );
}
