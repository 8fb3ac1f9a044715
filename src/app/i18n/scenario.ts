/** A scenario's and a flow's texts in the current language (the YAML's `en` / `zh`). */
import type { FlowInfo, ScenarioInfo } from '../types';
import type { Lang } from './index';

export function scenarioText(
  info: ScenarioInfo,
  lang: Lang,
): { title: string; description: string; concept?: string } {
  const concept = lang === 'zh-CN' ? (info.zh?.concept ?? info.concept) : info.concept;
  return {
    title: (lang === 'zh-CN' && info.zh?.title) || info.title,
    description: (lang === 'zh-CN' && info.zh?.description) || info.description,
    ...(concept ? { concept } : {}),
  };
}

export function flowText(flow: FlowInfo, lang: Lang): { title: string; description?: string } {
  const description = lang === 'zh-CN' ? (flow.zh?.description ?? flow.description) : flow.description;
  return {
    title: (lang === 'zh-CN' && flow.zh?.title) || flow.title,
    ...(description ? { description } : {}),
  };
}
