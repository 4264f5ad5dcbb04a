// TensorFlow / Keras / TFDS return table. The torch/tf rules' helper fills in the details.
import { all, type LibraryTable } from './table';

const DATASET_SOURCES = ['from_tensor_slices', 'from_tensors', 'from_generator', 'range', 'zip', 'list_files', 'load'];

export const TF_TABLE: LibraryTable = {
  calls: {
    ...all(DATASET_SOURCES, 'tf-dataset', 'tensorflow.data.Dataset.'),
    'tensorflow.data.TFRecordDataset': 'tf-dataset',
    'tensorflow.data.TextLineDataset': 'tf-dataset',
    'tensorflow.keras.utils.image_dataset_from_directory': 'tf-dataset',
    'tensorflow.keras.preprocessing.image_dataset_from_directory': 'tf-dataset',
    'tensorflow.keras.utils.text_dataset_from_directory': 'tf-dataset',
    'tensorflow.constant': 'tf-tensor',
    'tensorflow.convert_to_tensor': 'tf-tensor',
    'tensorflow.zeros': 'tf-tensor',
    'tensorflow.ones': 'tf-tensor',
    'tensorflow.keras.Sequential': 'keras-model',
    'tensorflow.keras.Model': 'keras-model',
    'tensorflow.keras.models.Sequential': 'keras-model',
    'tensorflow.keras.models.Model': 'keras-model',
    'tensorflow.keras.models.load_model': 'keras-model',
    'keras.Sequential': 'keras-model',
    'keras.Model': 'keras-model',
    'keras.models.Sequential': 'keras-model',
    'keras.models.Model': 'keras-model',
    'tf_keras.Sequential': 'keras-model',
    'tf_keras.Model': 'keras-model',
    'keras.models.load_model': 'keras-model',
    // `tfds.load(name)` is a Dataset, or a dict of them per split: only `split=` with a single string is one Dataset.
    'tensorflow_datasets.load': (call) => {
      const split = call.keywords.get('split');
      return split?.type === 'string' && !call.keywords.has('with_info') ? { kind: 'tf-dataset' } : null;
    },
  },
  methods: {
    'tf-dataset': all(
      [
        'map',
        'batch',
        'padded_batch',
        'shuffle',
        'repeat',
        'cache',
        'prefetch',
        'filter',
        'take',
        'skip',
        'unbatch',
        'interleave',
        'flat_map',
        'shard',
        'with_options',
      ],
      'same',
    ),
  },
  bases: {
    'tensorflow.keras.Model': { kind: 'keras-model' },
    'keras.Model': { kind: 'keras-model' },
  },
};
