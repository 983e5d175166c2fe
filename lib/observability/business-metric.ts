import { Metric, type MetricOptions, Stats } from 'aws-cdk-lib/aws-cloudwatch';
import {
  BUSINESS_METRICS_NAMESPACE,
  BUSINESS_METRICS_SERVICE,
  type BusinessMetric,
} from '../../functions/shared/observability/business-metrics.js';

/**
 * A business metric as the stream publisher emits it (functions/observability): same namespace,
 * same name, same dimensions. CloudWatch matches dimensions exactly, so one missing or extra
 * dimension would leave the alarm watching a metric that never gets data.
 */
export function businessMetric(stage: string, name: BusinessMetric, options: MetricOptions = {}): Metric {
  return new Metric({
    namespace: BUSINESS_METRICS_NAMESPACE,
    metricName: name,
    dimensionsMap: { service: BUSINESS_METRICS_SERVICE, stage },
    statistic: Stats.SUM,
    ...options,
  });
}
