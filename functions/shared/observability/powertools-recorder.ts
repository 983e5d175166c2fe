import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import {
  BUSINESS_METRICS_NAMESPACE,
  BUSINESS_METRICS_SERVICE,
  type BusinessMetricsRecorder,
  countBusinessMetrics,
} from './business-metrics.js';

/**
 * Business metrics as CloudWatch Embedded Metric Format lines on stdout, which Lambda's log
 * pipeline turns into metrics: no PutMetricData call, no extra permission, no latency.
 */
export function powertoolsBusinessMetrics(stage: string): BusinessMetricsRecorder {
  const metrics = new Metrics({
    namespace: BUSINESS_METRICS_NAMESPACE,
    serviceName: BUSINESS_METRICS_SERVICE,
    defaultDimensions: { stage },
  });
  let recorded = 0;
  return {
    record(events) {
      for (const [name, count] of countBusinessMetrics(events)) {
        metrics.addMetric(name, MetricUnit.Count, count);
        recorded += count;
      }
    },
    flush() {
      // Powertools warns on an empty flush; most stream batches carry no business event.
      if (recorded === 0) return;
      metrics.publishStoredMetrics();
      recorded = 0;
    },
  };
}
