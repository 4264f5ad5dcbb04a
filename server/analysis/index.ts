// The analysis layer's front door for rules: what the engine knows about the code (scopes, names,
// imports, value kinds, training loops, async APIs, classes, call arguments, where the code lives).
// Rules import analysis helpers from here and nowhere else; what is exported here is the API.
export {
  BLOCKING_ALTERNATIVE,
  asyncFramework,
  blockingCall,
  blockingWhat,
  coroutineCallee,
  coroutineCalleeNames,
  coroutineModules,
  functionDefinition,
  isShadowed,
  receiverKind,
  rootName,
} from './asyncApis';
export { cacheDecorator, cachedDefNames, isInstanceMethod, mayHoldCacheDecorator } from './caching';
export {
  argumentFor,
  argumentList,
  callArguments,
  calleeOfOnlyArgument,
  hasSplatArguments,
  keywordArgument,
  keywordValue,
  keywordValues,
  positionalArguments,
} from './callArgs';
export {
  ClassIndex,
  classIndex,
  firstBodyStatement,
  inheritedBaseNames,
  mangle,
  needsInstanceDict,
  slotQuote,
  slotsLiteral,
  storesOnlyDeclared,
} from './classIndex';
export type { ClassInfo } from './classIndex';
export { importedAccessorIn } from './accessors';
export {
  hasMainGuard,
  inMainGuardBlock,
  inTestFunction,
  inTestOf,
  insideExpectationBlock,
  isNotebookFile,
  isOutsideAnyPackage,
  inNamespaceSubpackage,
  isPackageModule,
  isPrivateModule,
  isStandaloneScript,
  isTestFile,
  isTestNamedScript,
  isUnreachable,
  callsBuiltinInput,
} from './codeContext';
export type { FileProbe } from './codeContext';
export { isKnownScalar, isScalarProperty, moduleRef, numpyModuleRef, vectorizeChoice, vectorizeElement } from './elementwise';
export type { ElementEnv, ElementResult } from './elementwise';
export { FileFacts } from './facts';
export { someProjectFile, spelledOnlyHere } from './projectWords';
export { below, declaredFloor, declaresPackage, documentedFloor, ignoresWarning, newestAllowed, pinnedCeiling } from './projectPins';
export { isBuildScript, isRequestHandler, notebookCollection, repeatedUses, runsOnce, teachingMaterial } from './impact';
export type { Version } from './projectPins';
export { functionProfile, isPurePythonCpuBound } from './functionProfile';
export { importedCallQuery, importedCallee } from './importedCalls';
export { iterationsIndependent } from './independence';
export {
  alongAxisAdvice,
  outerSumAdvice,
  pairDistanceAdvice,
  rowDistanceAdvice,
  rowFillAdvice,
  scatterLoopAdvice,
  rowUpdateAdvice,
  pickedOuterSumAdvice,
  coordinateLoopAdvice,
  mentions,
  windowCopyAdvice,
  windowReduceAdvice,
  wholeAxis,
} from './indexLoops';
export { pointSeriesLoop } from './pointSeries';
export type { Independence } from './independence';
export { DATAFRAME_ONLY_METHODS, FRAME_ATTRIBUTES, isNumberLiteral, isStrParameter, localTypes } from './localTypes';
export { callsOf, classAround, referencesTo, skippedByDefault } from './callsOf';
export { inFolderNamed, isDataIterable, loopGrowsWithData, loopRunsOverFewThings } from './impact';
export {
  costlyWorkEachPass,
  doesCostlyWork,
  isSmallLiteralLoop,
  isSmallRangeWindow,
  iteratesArrayData,
  listBuiltByBranches,
  listBuiltByLoop,
  loopHeaderText,
  oneLineText,
  loopNest,
  loopOverIterable,
  SMALL_LOOP,
  topLevelFunction,
} from './loopInfo';
export type { BranchListLoop, ListLoop } from './loopInfo';
export { quietOnSmallFrame, readFromFileReason, smallFrameReason } from './smallFrames';
export type { LoopNest } from './loopInfo';
export {
  ASSIGNMENT,
  bindersSpelling,
  bindingOf,
  callsOfNameIn,
  methodCallsIn,
  definitionsNamed,
  returnedBySoleFunction,
  identifiersSpelled,
  identifiersSpelledInFile,
  callsResolvingTo,
  callsSpelledInFile,
  inNestedScope,
  isDeclaredNonLocal,
  isVariable,
  fileFunctionDef,
  localDefinition,
  moduleFunctionDefs,
  localOccurrences,
  nestedScopeOf,
  occurrences,
  onlyBranchesAndReturns,
  plainAssignments,
  soleAssignedValue,
  readsAfter,
  scopeOf,
  shapeBindings,
  spellsAnyName,
  statementsByKeyword,
  attributesOfName,
  targetNames,
  assignmentTarget,
  isStatement,
  onPathTo,
  subscriptLevels,
  valueBoundOnce,
} from './names';
export {
  compiledByCall,
  compiledFunctionNames,
  hasCompiledTwinNamed,
  compiledByNumba,
  compiledByDecorator,
  enclosingJit,
  foldInteger,
  identifiersNamed,
  insideNumbaFunction,
  isAssignmentTarget,
  isIdentifierName,
  isLiteral,
  isNameChain,
  isPureReference,
  fStringStart,
  jitDecorator,
  stringLiteralValue,
  usedAfter,
} from './numeric';
export type { IntegerName, JitDecorator } from './numeric';
export { callTakingArgument, fateOfBinding, localBinding } from './ownership';
export { scopeMap } from './scopeMap';
export {
  ancestors,
  caughtAround,
  ifBranchesAround,
  assignmentScope,
  chainRoot,
  calledSelfMethod,
  classOfMethod,
  methodNamed,
  withinOwnScope,
  commonAncestor,
  contains,
  decoratorCallee,
  decoratorsOf,
  definitionOf,
  definitionStatement,
  enclosingClass,
  enclosingDef,
  enclosingFunction,
  enclosingLoop,
  enclosingLoops,
  enclosingStatement,
  endsAfterFirstPass,
  codeTextOf,
  findDescendants,
  hasEnclosingTry,
  hasOwnYield,
  inOtherBranches,
  isAsyncDef,
  isInsideAsyncDef,
  isNestedScope,
  isUnderMainGuard,
  mainGuardAround,
  leavesTheLoops,
  nextStatement,
  ownReturnStatements,
  parameterAnnotation,
  parameterDefault,
  parameterName,
  parameterNames,
  scopeBody,
  andOperands,
  joinedWithItem,
  statementStartingBefore,
  tryCatches,
  statementCatches,
  withEnclosingParentheses,
  withoutParentheses,
} from './scopes';
export { isDisplayCall } from './display';
export {
  autotuneName,
  DATASET_METHODS,
  isDatasetParameter,
  isInMemoryPipeline,
  isInMemorySlicing,
  isLiteralDataset,
  loopOnlyCollects,
  loopOnlyDisplays,
  mapFunctionWork,
  onlyDisplayedAfter,
  parallelizesMapsByOptions,
  TENSORFLOW_PACKAGES,
  tfCalleeName,
  tfDataPipeline,
  tfQualified,
  isHeavyTfOp,
} from './tfData';
export type { MapWork } from './tfData';
export { classInfoOf as datasetClassInfo, datasetInfo, fewBatchesPerPass, integerValueOf, smallImageDataset } from './torchDatasets';
export { DEVICE_TEXT, datasetStyleOfClass } from './datasetSamples';
export type { DatasetInfo, DatasetKind, SmallImageDataset } from './torchDatasets';
export {
  batchNamesOf,
  batchTransfers,
  iteratorBatchTransfers,
  deviceTypes,
  isCudaDestination,
  isTorchModuleClass,
  loopsOverLoader,
  moduleMethodRole,
  receiverRoot,
  transferDeviceTypes,
} from './torchDevice';
export type { DeviceType } from './torchDevice';
export { lastBindingOnPath, pythonContainer, tensorPlacement } from './torchTensors';
export type { Placement } from './torchTensors';
export { calledTfFunction, enclosingTfFunction, isTfFunctionRef, tfFunctionOf, tfFunctions } from './tfFunctions';
export { graphModeSwitch } from './tfGraphMode';
export {
  DATALOADER_CALL_QUERY,
  dataLoaderArgument,
  enclosingTrainStep,
  enclosingTrainingLoop,
  enclosingFunctionDef,
  isDataLoaderCall,
  isDataLoaderExpr,
  isJudgeableDataLoaderCall,
  isOptimizerExpr,
  isTestCode,
  isUnderLoggingGuard,
  isLoggingGuardCondition,
  trainStepOf,
  trainSteps,
  trainingLoopOf,
  trainingLoops,
  unwrapIterable,
  usesAccelerator,
  unpackedValuesOf,
  valuesAssignedTo,
  valuesHereOrGlobal,
} from './trainingLoop';
export type { TrainingLoop, TrainStep } from './trainingLoop';
export { metricUpdateOf } from './metricClasses';
export { callWaitsForHost, decidesControlFlow, hostCopiesEachPass, stepWaitsForHost } from './hostWaits';
export { importedFunctionHas, namesInImportedModules } from './workspaceCalls';
export { setsDefaultSocketTimeout } from './socketTimeout';
export {
  PANDAS_KINDS,
  commonValue,
  describeValue,
  docstringOf,
  forgetModules,
  knownNotPandas,
  resolveModule,
  sameKind,
  values,
  workspaceStats,
} from './values';
export type { CallView, DatasetStyle, DeviceKind, FileOrigin, LibraryTable, ModuleSource, Returns, Value, ValueKind, ValueLayer } from './values';
export {
  TEMPORAL_ONLY_MEMBERS,
  VECTOR_FIX_REASONS,
  missingTestOf,
  needsParentheses,
  selfAttributeIsDict,
  vectorizeArithmetic,
  vectorizeElementExpression,
  vectorizeRowBranches,
  vectorizeRowExpression,
  vectorizeRowValue,
  vectorizeElementValue,
} from './vectorize';
export type { RowEnv, RowVector, RowVectorKind, Vectorized } from './vectorize';
export { underVersionGuard } from './compat';
export { keyedLintMemo, lintMemo, nodeMemo } from './nodeMemo';
export { legacyTorchSpelling, runsOnlyOnLegacyTorch, VOLATILE_INPUT } from './legacyTorch';
