// SPDX-License-Identifier: Apache-2.0
// The four component kinds and their stability levels: the vocabulary every layer shares,
// in a module that imports nothing, so telemetry can name kinds without depending on the
// component contracts that depend on telemetry.
export type Kind = 'receiver' | 'processor' | 'exporter' | 'extension';
export type Stability = 'development' | 'alpha' | 'beta' | 'stable';
